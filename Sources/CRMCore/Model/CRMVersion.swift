/// The version of crm, shown by `crm --version` and recorded in a database it migrates.
public enum CRMVersion {
    public static let current = "0.1.0"
}
