import Foundation
import Model

/// Turns the inputs of `hunt load` (files, directories, `-`) into the list of streams to read.
enum InputExpansion {
    /// Directories are walked recursively in name order; hidden files and folders are skipped.
    /// A path that does not exist is kept, so that opening it reports a clear error.
    static func expand(_ inputs: [String]) -> [Item] {
        var result: [Item] = []
        for input in inputs {
            var isDirectory: ObjCBool = false
            if input != "-", FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue {
                result.append(contentsOf: walk(input))
            } else {
                result.append(Item(path: input))
            }
        }
        return result
    }

    /// A file to read, or a directory that could not be listed.
    struct Item {
        var path: String
        var problem: String?
        /// Found by walking a directory (not named by the user): a file that is not an event
        /// log is then skipped and listed, not a failure.
        var fromDirectory = false
    }

    private static func walk(_ directory: String) -> [Item] {
        guard let handle = opendir(directory) else {
            return [Item(path: directory, problem: "cannot list the directory: \(String(cString: strerror(errno)))")]
        }
        closedir(handle)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var files: [Item] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = (directory as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue { files.append(contentsOf: walk(path)) } else { files.append(Item(path: path, fromDirectory: true)) }
        }
        return files
    }
}
