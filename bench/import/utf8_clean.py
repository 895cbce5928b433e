"""Makes a copy of a legacy SQLite file that pgloader can load whole: every text value that is not valid UTF-8
(the legacy files hold Latin-1 titles, which pgloader refuses, aborting the table) is rewritten with U+FFFD for the
bad bytes. The copy is for the comparison only; the importer reads the snapshot as it is.
Usage: python3 bench/import/utf8_clean.py SOURCE.sqlite COPY.sqlite  (prints how many values it rewrote)"""
import shutil
import sqlite3
import sys

source, copy = sys.argv[1], sys.argv[2]
shutil.copyfile(source, copy)
connection = sqlite3.connect(copy)
connection.text_factory = bytes
rewritten = 0
tables = [row[0].decode() for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
for table in tables:
    columns = [row[1].decode() for row in connection.execute(f'PRAGMA table_info("{table}")')]
    for column in columns:
        rows = connection.execute(
            f'SELECT rowid, "{column}" FROM "{table}" WHERE typeof("{column}") = \'text\'').fetchall()
        for rowid, value in rows:
            try:
                value.decode("utf-8")
            except UnicodeDecodeError:
                fixed = value.decode("utf-8", errors="replace")
                connection.execute(f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?', (fixed, rowid))
                rewritten += 1
connection.commit()
print(rewritten)
