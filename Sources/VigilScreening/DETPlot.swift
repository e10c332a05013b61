import Foundation
import VigilMetrics

/// A detection-error-tradeoff curve as a standalone SVG: a miss rate against
/// a false-alarm rate, both on log axes (the NIST FRTE presentation), with
/// the 1% and 0.1% false-alarm operating points marked.
enum DETPlot {
    struct Curve {
        /// (false alarms, misses), false alarms ascending.
        let points: [(x: Double, y: Double)]
        /// The miss rate at each marked false-alarm rate.
        let marks: [(key: String, x: Double, y: Double)]
        let xLabel: String
        let yLabel: String
    }

    static func svg(_ result: OpenSetIdentification, title: String) -> String {
        let marks = OpenSetIdentification.fpirTargets.map { target in
            (target.key, target.rate, result.fnir(at: result.threshold(atFPIR: target.rate)))
        }
        return svg(Curve(points: result.detPoints().map { ($0.fpir, $0.fnir) }, marks: marks,
                         xLabel: "FPIR (non-mated searches returning a candidate)", yLabel: "FNIR (mated searches missing their mate)"),
                   title: title)
    }

    static func svg(_ rates: VerificationErrorRates, title: String) -> String {
        // One point per distinct impostor score is plenty: thin the curve to about 2,000 points.
        let thresholds = Array(Set(rates.impostor)).sorted()
        let step = max(1, thresholds.count / 2000)
        let points = stride(from: 0, to: thresholds.count, by: step).map { i in
            (rates.falseMatchRate(at: thresholds[i]), rates.falseNonMatchRate(at: thresholds[i]))
        }.reversed()
        let marks = VerificationSummary.farTargets.map { target in
            (target.key, target.rate, rates.operatingPoint(atFalseMatchRate: target.rate).falseNonMatchRate)
        }
        return svg(Curve(points: Array(points), marks: marks, xLabel: "FMR (impostor pairs accepted)", yLabel: "FNMR (genuine pairs rejected)"),
                   title: title)
    }

    static func write(_ svg: String, to path: String) throws(VigilError) {
        guard FileManager.default.createFile(atPath: path, contents: Data(svg.utf8)) else {
            throw VigilError(.invalidField, "cannot write \(path)")
        }
    }

    static func svg(_ curve: Curve, title: String) -> String {
        let width = 640.0, height = 480.0, left = 70.0, right = 20.0, top = 40.0, bottom = 60.0
        let xDecades = (-4.0, 0.0), yDecades = (-3.0, 0.0)
        func x(_ rate: Double) -> Double {
            let d = min(max(log10(max(rate, 1e-12)), xDecades.0), xDecades.1)
            return left + (d - xDecades.0) / (xDecades.1 - xDecades.0) * (width - left - right)
        }
        func y(_ rate: Double) -> Double {
            let d = min(max(log10(max(rate, 1e-12)), yDecades.0), yDecades.1)
            return top + (yDecades.1 - d) / (yDecades.1 - yDecades.0) * (height - top - bottom)
        }
        var parts = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            "<text x=\"\(left)\" y=\"24\" font-size=\"14\">\(escape(title))</text>",
        ]
        for decade in Int(xDecades.0)...Int(xDecades.1) {
            let px = x(pow(10, Double(decade)))
            parts.append("<line x1=\"\(px)\" y1=\"\(top)\" x2=\"\(px)\" y2=\"\(height - bottom)\" stroke=\"#ddd\"/>")
            parts.append("<text x=\"\(px)\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">1e\(decade)</text>")
        }
        for decade in Int(yDecades.0)...Int(yDecades.1) {
            let py = y(pow(10, Double(decade)))
            parts.append("<line x1=\"\(left)\" y1=\"\(py)\" x2=\"\(width - right)\" y2=\"\(py)\" stroke=\"#ddd\"/>")
            parts.append("<text x=\"\(left - 8)\" y=\"\(py + 4)\" text-anchor=\"end\">1e\(decade)</text>")
        }
        parts.append("<text x=\"\((left + width - right) / 2)\" y=\"\(height - 16)\" text-anchor=\"middle\">\(escape(curve.xLabel))</text>")
        parts.append("<text transform=\"translate(18 \((top + height - bottom) / 2)) rotate(-90)\" text-anchor=\"middle\">\(escape(curve.yLabel))</text>")
        let path = curve.points.filter { $0.x > 0 }.map { String(format: "%.1f,%.1f", x($0.x), y($0.y)) }.joined(separator: " ")
        parts.append("<polyline fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\" points=\"\(path)\"/>")
        for mark in curve.marks {
            parts.append("<circle cx=\"\(x(mark.x))\" cy=\"\(y(mark.y))\" r=\"4\" fill=\"#c0392b\"/>")
            parts.append(String(format: "<text x=\"%.1f\" y=\"%.1f\">at %@: %.1f%% missed</text>",
                                x(mark.x) + 6, y(mark.y) - 6, mark.key, mark.y * 100))
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
