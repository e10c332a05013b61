import Foundation

/// Reads image files named on the command line or in datasets.
public enum ImageFile {
    public static func read(_ path: String) throws(VigilError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VigilError(.notFound, "cannot read \(path)")
        }
        return [UInt8](data)
    }
}
