import CNcursesw

/// Whether the locale can show wide characters; when it cannot, the dashboard draws in ASCII.
enum LocaleCheck {
    /// Sets the locale from the environment, as curses needs, and says whether it is UTF-8.
    static func adoptEnvironmentLocale() -> Bool {
        setlocale(LC_ALL, "")
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).lowercased().filter { $0 != "-" }
        return name == "utf8"
    }
}
