extension OCPPCatalog {
    /// The OCPP 1.6 catalog: 39 actions, including the 11 of the 1.6 security white paper.
    ///
    /// Built on first use from the data `scripts/gen-catalog.py` generated from the official schemas.
    public static let v16: OCPPCatalog = load(v16Source, version: .v16)

    /// The OCPP 2.0.1 catalog: 64 actions.
    ///
    /// Built on first use from the data `scripts/gen-catalog.py` generated from the official schemas.
    public static let v201: OCPPCatalog = load(v201Source, version: .v201)

    /// Builds a catalog from its generated condensed JSON; the data is generated, so a failure is a bug.
    static func load(_ source: String, version: OCPPVersion) -> OCPPCatalog {
        do {
            return try CatalogDecoder.catalog(from: JSONValue(parsing: source), version: version)
        } catch let error as JSONParseError {
            preconditionFailure("the generated OCPP \(version.rawValue) catalog is not valid json: \(error)")
        } catch {
            preconditionFailure("the generated OCPP \(version.rawValue) catalog is malformed: \(error)")
        }
    }
}
