import ArgumentParser
import Foundation
import Linalg
import LinalgData

/// A problem with what the user gave (a file, a flag): reported as one line on stderr, exit 2.
struct UserError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}

/// Runs a command body; a ``UserError``, ``LinalgError`` or ``DataError`` (from any layer) becomes
/// one line on stderr and exit status 2, never a crash or a stack trace. This is the one place
/// where errors meet the user: commands let them propagate instead of converting them.
/// In an MPI job every rank meets the same errors in the same place (the options, the reduced
/// fit), so only rank 0 prints them, unless `everyRank` (an error of one rank's own data).
func reportingUserErrors<T>(everyRank: Bool = false, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as UserError {
        if everyRank || DistributedJob.isLeader { printError(error.description) }
        throw ExitCode(2)
    } catch let error as LinalgError {
        if everyRank || DistributedJob.isLeader { printError(error.description) }
        throw ExitCode(2)
    } catch let error as DataError {
        // A shared read's failure is printed by the reader that met it; the others end quietly.
        if error.isReportedByAnotherReader { throw ExitCode(2) }
        if everyRank || DistributedJob.isLeader { printError(error.description) }
        throw ExitCode(2)
    }
}

/// `linalg: error: <message>` on stderr.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("linalg: error: \(message)\n".utf8))
}

/// Reads a whole file through the data layer (the system's reason when it cannot be read).
func readFile(_ path: String) throws -> Data { Data(try InputFile(path: path).readAll()) }

/// Whether stderr is a terminal (progress lines go there only then).
var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }
