/// Splits a Windows command line into arguments exactly like `CommandLineToArgvW`.
///
/// - The first argument (the program) ends at the first space or tab; if it starts with `"`,
///   it runs to the next `"`, with no escapes.
/// - Later arguments are separated by spaces and tabs outside quotes. `2n` backslashes before a
///   `"` give `n` backslashes and the quote toggles quoting; `2n+1` give `n` backslashes and a
///   literal `"`. Backslashes not before a quote are literal. Inside quotes, `""` gives a literal
///   `"` and stays quoted (the behaviour since 2008).
///
/// Works on UTF-8 bytes: every delimiter is ASCII, so multi-byte characters pass through whole.
public enum CommandLineSplitter {
    public static func split(_ commandLine: String) -> [String] {
        var line = commandLine
        return line.withUTF8 { split(UnsafeRawBufferPointer($0)) }
    }

    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    package static func split(_ s: UnsafeRawBufferPointer) -> [String] {
        var args: [String] = []
        guard !s.isEmpty else { return args }
        var i = 0
        var current: [UInt8] = []
        current.reserveCapacity(64)

        // The program name.
        if s[0] == quote {
            i = 1
            while i < s.count, s[i] != quote { current.append(s[i]); i += 1 }
            if i < s.count { i += 1 }  // closing quote
        } else {
            while i < s.count, s[i] != space, s[i] != tab { current.append(s[i]); i += 1 }
        }
        args.append(String(decoding: current, as: UTF8.self))
        current.removeAll(keepingCapacity: true)

        // The arguments.
        while i < s.count, s[i] == space || s[i] == tab { i += 1 }
        if i >= s.count { return args }
        var inQuotes = false
        var inArgument = false
        while i < s.count {
            let c = s[i]
            if c == backslash {
                var slashes = 0
                while i < s.count, s[i] == backslash { slashes += 1; i += 1 }
                inArgument = true
                if i < s.count, s[i] == quote {
                    current.append(contentsOf: repeatElement(backslash, count: slashes / 2))
                    if slashes % 2 == 1 {
                        current.append(quote)
                        i += 1
                    }
                    // Even: the quote is handled by the next iteration.
                } else {
                    current.append(contentsOf: repeatElement(backslash, count: slashes))
                }
                continue
            }
            if c == quote {
                inArgument = true
                if inQuotes, i + 1 < s.count, s[i + 1] == quote {
                    current.append(quote)
                    i += 2
                    continue
                }
                inQuotes.toggle()
                i += 1
                continue
            }
            if !inQuotes, c == space || c == tab {
                if inArgument {
                    args.append(String(decoding: current, as: UTF8.self))
                    current.removeAll(keepingCapacity: true)
                    inArgument = false
                }
                i += 1
                continue
            }
            current.append(c)
            inArgument = true
            i += 1
        }
        if inArgument { args.append(String(decoding: current, as: UTF8.self)) }
        return args
    }
}
