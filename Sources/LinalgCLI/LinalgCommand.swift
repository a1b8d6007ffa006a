import ArgumentParser
import Foundation

/// `linalg`: the exercise's neural-net derivatives and logistic regression from the command line.
@main
struct LinalgCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "linalg",
        abstract:
            "Neural-net Jacobians, backprop and logistic regression on OpenBLAS, checked against finite differences.",
        subcommands: [
            ExerciseCommand.self, GradcheckCommand.self, EvalCommand.self, TrainCommand.self, TrainIdentityCommand.self,
            LogregCommand.self, PredictCommand.self, ConvertCommand.self,
        ]
    )

    /// Parses and runs the command. A command-line error (an unknown flag, a value that does not
    /// parse) is one line on stderr and exit status 2, like every other user error; `--help`
    /// and the commands' own exit codes pass through.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as ExitCode {
            exit(withError: error)
        } catch {
            guard exitCode(for: error) != .success else { exit(withError: error) }
            let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            let trimmed = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
            printError(trimmed + " (see --help)")
            Foundation.exit(2)
        }
    }
}
