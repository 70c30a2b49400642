import ArgumentParser
import Foundation

/// What the argument parser does not do for us before it sees the arguments: `--db PATH` given
/// before the subcommand (`hunt --db case.db detect`) moves after it, and a mistyped subcommand
/// gets "did you mean" instead of a complaint about the next option.
enum CommandLineRepair {
    /// The outcome of looking at the arguments.
    enum Outcome: Equatable {
        case run([String])
        case unknownCommand(typed: String, suggestions: [String], known: [String])
    }

    static func repair(_ arguments: [String], root: any ParsableCommand.Type) -> Outcome {
        var rest = arguments
        var database: [String] = []
        while let first = rest.first {
            if first == "--db", rest.count >= 2 {
                database = Array(rest[0...1])
                rest.removeFirst(2)
            } else if first.hasPrefix("--db=") {
                database = [first]
                rest.removeFirst()
            } else {
                break
            }
        }
        var command: any ParsableCommand.Type = root
        for word in rest {
            guard !word.hasPrefix("-") else { break }
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty else { break }
            if let next = subcommands.first(where: { name(of: $0) == word }) {
                command = next
                continue
            }
            if word == "help" { break }
            let names = subcommands.map { name(of: $0) }
            // A command with a default subcommand takes arguments of its own (hunt query NAME is not one).
            let suggestions = names.filter { HostNearMatch.editDistance(word.lowercased(), $0) <= 2 || $0.hasPrefix(word.lowercased()) }
            if command.configuration.defaultSubcommand == nil || !suggestions.isEmpty {
                return .unknownCommand(typed: word, suggestions: suggestions, known: names)
            }
            break
        }
        return .run(rest + database)
    }

    /// A command's name as typed: its configured name, else its type's name in lower case.
    private static func name(of command: any ParsableCommand.Type) -> String {
        command.configuration.commandName ?? String(describing: command).lowercased()
    }
}

extension Hunt {
    /// Repairs the arguments (`--db` before the subcommand, mistyped subcommands) before parsing.
    static func main() {
        switch CommandLineRepair.repair(Array(CommandLine.arguments.dropFirst()), root: Hunt.self) {
        case .run(let arguments):
            main(arguments)
        case let .unknownCommand(typed, suggestions, known):
            var message = "Error: unknown command '\(typed)'."
            if !suggestions.isEmpty { message += " Did you mean \(suggestions.map { "'\($0)'" }.joined(separator: " or "))?" }
            message += "\nCommands: \(known.joined(separator: ", ")). See 'hunt --help'.\n"
            FileHandle.standardError.write(Data(message.utf8))
            Foundation.exit(64)
        }
    }
}
