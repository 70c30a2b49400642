/// Literal flat Sysmon lines for CLI tests: a lateral-movement sequence on WS6 (connection to
/// services.exe, cmd.exe child 578 ms later), an allowlisted child and an unrelated event.
enum Events {
    static func network(record: Int, time: String, sourcePort: Int = 56608, host: String = "WS6.corp.example") -> String {
        #"{"EventID":3,"SourceName":"Microsoft-Windows-Sysmon","Channel":"Microsoft-Windows-Sysmon/Operational","Hostname":"\#(host)","RecordNumber":\#(record),"UtcTime":"\#(time)","ProcessGuid":"{d273d0f0-e865-5f64-0b00-000000000800}","Image":"C:\\Windows\\System32\\services.exe","User":"NT AUTHORITY\\SYSTEM","Protocol":"tcp","Initiated":"false","SourceIp":"172.18.39.5","SourcePort":"\#(sourcePort)","DestinationIp":"172.18.39.6","DestinationPort":"49726"}"#
    }

    static func process(record: Int, time: String, guid: String, image: String, commandLine: String, host: String = "WS6.corp.example") -> String {
        #"{"EventID":1,"SourceName":"Microsoft-Windows-Sysmon","Channel":"Microsoft-Windows-Sysmon/Operational","Hostname":"\#(host)","RecordNumber":\#(record),"UtcTime":"\#(time)","ProcessGuid":"\#(guid)","Image":"\#(image)","CommandLine":"\#(commandLine)","User":"NT AUTHORITY\\SYSTEM","ParentProcessGuid":"{d273d0f0-e865-5f64-0b00-000000000800}","ParentImage":"C:\\Windows\\System32\\services.exe"}"#
    }

    static let lateralMovement: [String] = [
        network(record: 10, time: "2020-09-20 16:16:56.019"),
        process(record: 11, time: "2020-09-20 16:16:56.597", guid: "{d273d0f0-8078-5f67-cb06-000000000800}",
                image: #"C:\\Windows\\System32\\cmd.exe"#, commandLine: #"cmd.exe /C \"=HYPERLINK(1)\", start /b powershell -enc AAA"#),
        process(record: 12, time: "2020-09-20 16:16:56.700", guid: "{d273d0f0-8078-5f67-cb06-000000000801}",
                image: #"C:\\Windows\\PSEXESVC.EXE"#, commandLine: #"C:\\Windows\\PSEXESVC.EXE"#),
        #"{"EventID":10,"SourceName":"Microsoft-Windows-Sysmon","Hostname":"WS6.corp.example","RecordNumber":13}"#,
    ]

    static var lateralMovementText: String { lateralMovement.joined(separator: "\n") + "\n" }
}
