/// Writing a text file (UTF-8) atomically, as every output of Diffuse is
/// written: to a temporary file in the same folder, renamed into place.
public enum TextFile {
    /// - Parameter sync: flush the data to the disk before the rename (see
    ///   `AtomicFileWriter.commit(sync:)`), for files a later run depends on.
    public static func write(_ text: String, to path: String, sync: Bool = false) throws(DiffusionError) {
        let writer = try AtomicFileWriter(path: path)
        try writer.write(text.utf8)
        try writer.commit(sync: sync)
    }
}
