extension String {
    /// The string the bytes encode, or `nil` if they are not valid UTF-8. `String(decoding:as:)`
    /// replaces bad sequences with U+FFFD, so a string that does not re-encode to the same bytes
    /// had some. Portable to every platform the package supports (`String(validating:as:)` needs
    /// macOS 15).
    init?<Bytes: Collection>(strictUTF8 bytes: Bytes) where Bytes.Element == UInt8 {
        // Contiguous bytes (a ByteBuffer's view, every frame): compare as buffers, not element
        // by element through the collection.
        if let decoded = bytes.withContiguousStorageIfAvailable({ buffer -> String? in
            var decoded = String(decoding: buffer, as: UTF8.self)
            return decoded.withUTF8 { $0.elementsEqual(buffer) } ? decoded : nil
        }) {
            guard let decoded else { return nil }
            self = decoded
            return
        }
        let decoded = String(decoding: bytes, as: UTF8.self)
        guard decoded.utf8.elementsEqual(bytes) else { return nil }
        self = decoded
    }
}
