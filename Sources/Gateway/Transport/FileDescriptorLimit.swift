#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's open-file limit (`RLIMIT_NOFILE`): every socket is a file descriptor, so it
/// bounds how many charge points and backend connections one process can hold.
public enum FileDescriptorLimit {
    /// The soft limit (what `open`, `accept` and `socket` are held to) and the hard limit (how
    /// far an unprivileged process may raise the soft one); `nil` if they cannot be read.
    public static func current() -> (soft: Int, hard: Int)? {
        var limit = rlimit()
        guard getResourceLimit(&limit) == 0 else { return nil }
        return (clamp(limit.rlim_cur), clamp(limit.rlim_max))
    }

    /// Raises the soft limit to the hard limit, as far as the system allows, and returns the
    /// soft limit before and after (`nil` if the limit cannot be read). Never lowers it.
    @discardableResult
    public static func raiseToHard() -> (before: Int, after: Int)? {
        var limit = rlimit()
        guard getResourceLimit(&limit) == 0 else { return nil }
        let before = clamp(limit.rlim_cur)
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            #if canImport(Darwin)
            // macOS refuses more than OPEN_MAX for the soft limit, whatever the hard one says.
            raised.rlim_cur = min(raised.rlim_cur, rlim_t(OPEN_MAX))
            #endif
            _ = setResourceLimit(&raised)
        }
        return (before, current()?.soft ?? before)
    }

    private static func clamp(_ value: rlim_t) -> Int {
        value >= rlim_t(Int.max) ? Int.max : Int(value)
    }

    private static func getResourceLimit(_ limit: inout rlimit) -> Int32 {
        #if canImport(Glibc)
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        #else
        getrlimit(RLIMIT_NOFILE, &limit)
        #endif
    }

    private static func setResourceLimit(_ limit: inout rlimit) -> Int32 {
        #if canImport(Glibc)
        setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        #else
        setrlimit(RLIMIT_NOFILE, &limit)
        #endif
    }
}
