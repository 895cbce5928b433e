import ArgumentParser

@main
struct YTV2Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ytv2",
        abstract: "YouTube summaries on one PostgreSQL database: dashboard, processor and migration toolkit.",
        version: "0.1.0",
        subcommands: [
            ServeCommand.self, ProcessCommand.self, WorkerCommand.self, BotCommand.self, DatabaseCommand.self, MigrateCommand.self,
            FixturesCommand.self, DoctorCommand.self,
        ]
    )
}
