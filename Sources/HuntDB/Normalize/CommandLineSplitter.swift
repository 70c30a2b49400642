/// Splits a Windows command line into arguments exactly like `CommandLineToArgvW`.
///
/// - The first argument (the program) ends at the first space or tab; if it starts with `"`,
///   it runs to the next `"`, with no escapes.
/// - Later arguments are separated by spaces and tabs outside quotes. `2n` backslashes before a
///   `"` give `n` backslashes and the quote toggles quoting; `2n+1` give `n` backslashes and a
///   literal `"`. Backslashes not before a quote are literal. Inside quotes, `""` gives a literal
///   `"` and stays quoted (the behaviour since 2008).
public enum CommandLineSplitter {
    public static func split(_ commandLine: String) -> [String] {
        let s = Array(commandLine.unicodeScalars)
        var args: [String] = []
        guard !s.isEmpty else { return args }
        var i = 0
        var current = String.UnicodeScalarView()

        // The program name.
        if s[0] == "\"" {
            i = 1
            while i < s.count, s[i] != "\"" { current.append(s[i]); i += 1 }
            if i < s.count { i += 1 }  // closing quote
        } else {
            while i < s.count, s[i] != " ", s[i] != "\t" { current.append(s[i]); i += 1 }
        }
        args.append(String(current))
        current = String.UnicodeScalarView()

        // The arguments.
        while i < s.count, s[i] == " " || s[i] == "\t" { i += 1 }
        if i >= s.count { return args }
        var inQuotes = false
        var inArgument = false
        while i < s.count {
            let c = s[i]
            if c == "\\" {
                var slashes = 0
                while i < s.count, s[i] == "\\" { slashes += 1; i += 1 }
                inArgument = true
                if i < s.count, s[i] == "\"" {
                    current.append(contentsOf: repeatElement("\\", count: slashes / 2))
                    if slashes % 2 == 1 {
                        current.append("\"")
                        i += 1
                    }
                    // Even: the quote is handled by the next iteration.
                } else {
                    current.append(contentsOf: repeatElement("\\", count: slashes))
                }
                continue
            }
            if c == "\"" {
                inArgument = true
                if inQuotes, i + 1 < s.count, s[i + 1] == "\"" {
                    current.append("\"")
                    i += 2
                    continue
                }
                inQuotes.toggle()
                i += 1
                continue
            }
            if !inQuotes, c == " " || c == "\t" {
                if inArgument {
                    args.append(String(current))
                    current = String.UnicodeScalarView()
                    inArgument = false
                }
                i += 1
                continue
            }
            current.append(c)
            inArgument = true
            i += 1
        }
        if inArgument { args.append(String(current)) }
        return args
    }
}
