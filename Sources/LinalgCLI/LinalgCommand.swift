import ArgumentParser

/// `linalg`: the exercise's neural-net derivatives and logistic regression from the command line.
@main
struct LinalgCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "linalg",
        abstract:
            "Neural-net Jacobians, backprop and logistic regression on OpenBLAS, checked against finite differences.",
        subcommands: [
            ExerciseCommand.self, GradcheckCommand.self, EvalCommand.self, TrainIdentityCommand.self,
            LogregCommand.self, ConvertCommand.self,
        ]
    )
}
