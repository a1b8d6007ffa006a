/// `[Double](unsafeUninitializedCapacity: count, initializingWith: body)`, except that for `count == 0`
/// the body runs on an empty buffer of a private address and `[]` is returned: for zero elements the
/// standard library writes the count into the one empty-array storage every empty array shares, a
/// write that races with any other thread reading an empty array (ThreadSanitizer reports it).
package func uninitializedDoubles(
    _ count: Int, _ body: (inout UnsafeMutableBufferPointer<Double>, inout Int) -> Void
) -> [Double] {
    guard count == 0 else { return [Double](unsafeUninitializedCapacity: count, initializingWith: body) }
    let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 1)
    defer { scratch.deallocate() }
    var buffer = UnsafeMutableBufferPointer(start: scratch, count: 0), initialized = 0
    body(&buffer, &initialized)
    return []
}
