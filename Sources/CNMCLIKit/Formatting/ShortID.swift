/// IDs as people see them: the first 12 hex digits, as Docker shows them.
public enum ShortID {
    public static let length = 12

    public static func of(_ id: String) -> String {
        String(id.prefix(length))
    }
}
