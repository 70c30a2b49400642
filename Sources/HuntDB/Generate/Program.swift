import Model

/// An executable as Sysmon describes it: path, version resource and hashes.
public final class Program: Sendable {
    /// Full path, e.g. `C:\Windows\System32\svchost.exe`.
    public let image: String
    /// The file name part of `image`.
    public let name: String
    public let description: String
    public let product: String
    public let company: String
    public let fileVersion: String
    public let originalFileName: String
    /// Sysmon's `Hashes`: `SHA1=…,MD5=…,SHA256=…,IMPHASH=…` (upper-case hex).
    public let hashes: String
    /// The SHA-256 alone, lower case, as Elastic Defend reports it.
    public let sha256: String

    /// A program; the hashes are derived from the path, so they are stable and look real.
    public init(image: String, description: String = "-", product: String = "-", company: String = "-",
                fileVersion: String = "-", originalFileName: String? = nil) {
        self.image = image
        let name = PathName.basename(image)
        self.name = name
        self.description = description
        self.product = product
        self.company = company
        self.fileVersion = fileVersion
        self.originalFileName = originalFileName ?? name
        let seed = Array(image.lowercased().utf8)
        func digest(_ tag: String, hexDigits: Int) -> String {
            let bytes = SHA256.hash(seed + Array(tag.utf8))
            var buffer = ByteBuffer(capacity: 64)
            for byte in bytes.prefix(hexDigits / 2) { buffer.appendHex(UInt64(byte), digits: 2, uppercase: true) }
            return buffer.string
        }
        let sha256 = digest("sha256", hexDigits: 64)
        self.sha256 = sha256.lowercased()
        hashes = "SHA1=\(digest("sha1", hexDigits: 40)),MD5=\(digest("md5", hexDigits: 32)),SHA256=\(sha256),IMPHASH=\(digest("imphash", hexDigits: 32))"
    }
}

/// A Windows account, e.g. `CORP\alice` or `NT AUTHORITY\SYSTEM`.
public struct UserAccount: Sendable, Hashable {
    public let domain: String
    public let name: String
    /// `DOMAIN\name`, Sysmon's `User`.
    public let qualified: String
    /// The logon id Sysmon reports for processes of this account (`0x3e7` for SYSTEM).
    public let logonID: String

    public init(domain: String, name: String, logonID: String) {
        self.domain = domain
        self.name = name
        self.qualified = domain + "\\" + name
        self.logonID = logonID
    }

    public static let system = UserAccount(domain: "NT AUTHORITY", name: "SYSTEM", logonID: "0x3e7")
    public static let localService = UserAccount(domain: "NT AUTHORITY", name: "LOCAL SERVICE", logonID: "0x3e5")
    public static let networkService = UserAccount(domain: "NT AUTHORITY", name: "NETWORK SERVICE", logonID: "0x3e4")
}
