#ifndef CYTV2SPAWN_H
#define CYTV2SPAWN_H

#include <spawn.h>

/// glibc's GNU-only spawn file actions, which Swift's Glibc module does not expose.
/// Close every descriptor >= `from` in the child.
int ytv2_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int from);
/// Change the child's working directory before exec.
int ytv2_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

#endif
