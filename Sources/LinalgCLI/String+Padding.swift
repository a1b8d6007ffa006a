extension String {
    /// The text right-aligned in `width` characters (the CLI's tables).
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
