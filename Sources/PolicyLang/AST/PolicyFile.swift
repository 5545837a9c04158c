import OCPP

/// A parsed policy file: its header and declarations in file order.
public struct PolicyFile: Sendable {
    public var source: SourceFile
    public var header: PolicyHeader?
    public var declarations: [Declaration]

    public init(source: SourceFile, header: PolicyHeader?, declarations: [Declaration]) {
        self.source = source
        self.header = header
        self.declarations = declarations
    }

    /// The OCPP version the header declares, if it names a supported one.
    public var version: OCPPVersion? { header?.version }
}

/// `policy "NAME" for ocpp VERSION`.
public struct PolicyHeader: Sendable {
    public var name: String
    public var nameSpan: SourceSpan
    /// The version text as written (`1.6`, `2.0.1`).
    public var versionText: String
    public var versionSpan: SourceSpan
    public var span: SourceSpan

    public init(name: String, nameSpan: SourceSpan, versionText: String, versionSpan: SourceSpan, span: SourceSpan) {
        self.name = name
        self.nameSpan = nameSpan
        self.versionText = versionText
        self.versionSpan = versionSpan
        self.span = span
    }

    public var version: OCPPVersion? { OCPPVersion(rawValue: versionText) }
}

/// A name as written, with where it was written.
public struct Identifier: Sendable, Hashable {
    public var name: String
    public var span: SourceSpan

    public init(_ name: String, span: SourceSpan) {
        self.name = name
        self.span = span
    }
}
