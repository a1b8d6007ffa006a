#if canImport(Glibc)
import Glibc
#endif

/// Whether two paths name one existing file (same device and inode): an output that would
/// overwrite the input is refused.
func sameFile(_ a: String, _ b: String) -> Bool {
    var sa = stat(), sb = stat()
    guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
}
