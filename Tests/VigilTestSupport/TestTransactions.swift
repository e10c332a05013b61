import VigilInterchange

/// ANSI/NIST-ITL transactions as an agency would send them, built with
/// Vigil's writer from real photos and prints: Types 1, 2, 10 (a JPEG face)
/// and 14 (an uncompressed 8-bit finger image at 500 ppi).
public enum TestTransactions {
    public struct Finger {
        public let position: Int
        public let width: Int
        public let height: Int
        public let pixels: [UInt8]

        public init(position: Int, width: Int, height: Int, pixels: [UInt8]) {
            self.position = position
            self.width = width
            self.height = height
            self.pixels = pixels
        }
    }

    public static func make(tcn: String, name: String?, birth: String = "19800101", face: [UInt8]?, finger: Finger? = nil) throws -> [UInt8] {
        var records = [NISTRecord(type: 1, fields: [
            NISTField(number: 2, value: "0502"), NISTField(number: 4, value: "CAR"), NISTField(number: 5, value: "20261203"),
            NISTField(number: 7, value: "PKFIA0000"), NISTField(number: 8, value: "PKNADRA01"), NISTField(number: 9, value: tcn),
            NISTField(number: 11, value: "19.69"), NISTField(number: 12, value: "19.69"),
        ])]
        var type2 = [NISTField(number: 2, value: "00"), NISTField(number: 22, value: birth)]
        if let name { type2.append(NISTField(number: 18, value: name)) }
        records.append(NISTRecord(type: 2, fields: type2))
        if let face {
            records.append(NISTRecord(type: 10, fields: [NISTField(number: 2, value: "1"), NISTField(number: 3, value: "FACE"),
                                                         NISTField(number: 11, value: "JPEGB")], data: face))
        }
        if let finger {
            records.append(NISTRecord(type: 14, fields: [
                NISTField(number: 2, value: "2"), NISTField(number: 3, value: "1"), NISTField(number: 6, value: String(finger.width)),
                NISTField(number: 7, value: String(finger.height)), NISTField(number: 8, value: "1"), NISTField(number: 9, value: "500"),
                NISTField(number: 10, value: "500"), NISTField(number: 11, value: "NONE"), NISTField(number: 12, value: "8"),
                NISTField(number: 13, value: String(finger.position)),
            ], data: finger.pixels))
        }
        return try NISTTransaction(records: records).encoded()
    }
}
