import ArgumentParser
struct LogregCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logreg")
}
enum LogisticExercise { static func run(seed: UInt64) throws -> Bool { true } }
