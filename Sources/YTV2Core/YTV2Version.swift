/// The version of YTV2, as `ytv2 --version` and `/health` show it.
public enum YTV2Version {
    public static let current = "0.2.0"
}
