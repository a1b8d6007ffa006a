extension String {
    /// The text right-aligned in `width` characters (tables of the CLI and the benchmark).
    package func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
