import CLibFuzzer
import Foundation

/// Runs libFuzzer on `test` with the process's command-line arguments, then exits with libFuzzer's status.
///
/// SwiftPM gives every executable an entry point of its own, which leaves libFuzzer's `main` unused; each target's
/// `@main` calls this instead.
public func runFuzzer(_ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, test))
}
