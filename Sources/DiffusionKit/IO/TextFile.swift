/// Writing a text file (UTF-8) atomically, as every output of Diffuse is
/// written: to a temporary file in the same folder, renamed into place.
public enum TextFile {
    public static func write(_ text: String, to path: String) throws(DiffusionError) {
        let writer = try AtomicFileWriter(path: path)
        try writer.write(text.utf8)
        try writer.commit()
    }
}
