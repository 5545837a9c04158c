extension String {
    /// The string the bytes encode, or `nil` if they are not valid UTF-8. `String(decoding:as:)`
    /// replaces bad sequences with U+FFFD, so a string that does not re-encode to the same bytes
    /// had some. Portable to every platform the package supports (`String(validating:as:)` needs
    /// macOS 15).
    init?<Bytes: Collection>(strictUTF8 bytes: Bytes) where Bytes.Element == UInt8 {
        let decoded = String(decoding: bytes, as: UTF8.self)
        guard decoded.utf8.elementsEqual(bytes) else { return nil }
        self = decoded
    }
}
