import Foundation
import VigilMetrics

/// A detection-error-tradeoff curve as a standalone SVG: a miss rate against
/// a false-alarm rate, both on log axes (the NIST FRTE presentation), with
/// the 1% and 0.1% false-alarm operating points marked, and below it the
/// histograms of the scores behind it (mated and non-mated), so a reader
/// sees where the two populations overlap and how thin the tail is.
enum DETPlot {
    struct Curve {
        /// (false alarms, misses), false alarms ascending.
        let points: [(x: Double, y: Double)]
        /// The miss rate at each marked false-alarm rate.
        let marks: [(key: String, x: Double, y: Double)]
        let xLabel: String
        let yLabel: String
        /// Scores of mated (genuine) and non-mated (impostor) comparisons or searches.
        var mated: [Float] = []
        var nonMated: [Float] = []
        var matedLabel = "genuine pairs"
        var nonMatedLabel = "impostor pairs"
    }

    static func svg(_ result: OpenSetIdentification, title: String) -> String {
        let marks = OpenSetIdentification.fpirTargets.map { target in
            (target.key, target.rate, result.fnir(at: result.threshold(atFPIR: target.rate)))
        }
        return svg(Curve(points: result.detPoints().map { ($0.fpir, $0.fnir) }, marks: marks,
                         xLabel: "FPIR (non-mated searches returning a candidate)", yLabel: "FNIR (mated searches missing their mate)",
                         mated: result.mated.compactMap { $0.mate?.score }, nonMated: result.nonMatedTop.compactMap { $0 },
                         matedLabel: "mate's score, mated searches", nonMatedLabel: "top score, non-mated searches"),
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
        return svg(Curve(points: Array(points), marks: marks, xLabel: "FMR (impostor pairs accepted)", yLabel: "FNMR (genuine pairs rejected)",
                         mated: rates.genuine.filter(\.isFinite), nonMated: rates.impostor.filter(\.isFinite)),
                   title: title)
    }

    static func write(_ svg: String, to path: String) throws(VigilError) {
        guard FileManager.default.createFile(atPath: path, contents: Data(svg.utf8)) else {
            throw VigilError(.invalidField, "cannot write \(path)")
        }
    }

    static func svg(_ curve: Curve, title: String) -> String {
        let width = 640.0, height = 480.0, left = 70.0, right = 20.0, top = 40.0, bottom = 60.0
        let histogramHeight = curve.mated.isEmpty && curve.nonMated.isEmpty ? 0.0 : 220.0
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
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height + histogramHeight))\" font-family=\"sans-serif\" font-size=\"12\">",
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
        if histogramHeight > 0 {
            parts += histograms(curve, frame: (left: left, top: height + 10, width: width - left - right, height: histogramHeight - 60))
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }

    /// Both score distributions on one score axis, each normalised to its own
    /// count (the impostors outnumber the genuine pairs a thousandfold), with
    /// the counts on a square-root scale so the thin overlapping tails show.
    static func histograms(_ curve: Curve, frame: (left: Double, top: Double, width: Double, height: Double)) -> [String] {
        let all = curve.mated + curve.nonMated
        guard let low = all.min(), let high = all.max(), high > low else { return [] }
        let bins = 60
        func shares(_ scores: [Float]) -> [Double] {
            var counts = [Double](repeating: 0, count: bins)
            for s in scores { counts[min(bins - 1, Int(Double(s - low) / Double(high - low) * Double(bins)))] += 1 }
            return counts.map { scores.isEmpty ? 0 : ($0 / Double(scores.count)).squareRoot() }
        }
        let series = [(shares(curve.nonMated), "#c0392b", curve.nonMatedLabel, curve.nonMated.count),
                      (shares(curve.mated), "#1f5fa8", curve.matedLabel, curve.mated.count)]
        let peak = series.flatMap(\.0).max() ?? 1
        let barWidth = frame.width / Double(bins), base = frame.top + frame.height
        var parts = ["<line x1=\"\(frame.left)\" y1=\"\(base)\" x2=\"\(frame.left + frame.width)\" y2=\"\(base)\" stroke=\"#888\"/>"]
        for (n, (values, colour, label, count)) in series.enumerated() {
            for (bin, value) in values.enumerated() where value > 0 {
                let h = value / peak * frame.height
                parts.append(String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%@\" fill-opacity=\"0.5\"/>",
                                    frame.left + Double(bin) * barWidth, base - h, barWidth, h, colour))
            }
            parts.append("<text x=\"\(frame.left + 8)\" y=\"\(frame.top + 14 + Double(n) * 16)\" fill=\"\(colour)\">\(escape(label)) (\(count))</text>")
        }
        for tick in 0...4 {
            let score = Double(low) + Double(tick) / 4 * Double(high - low)
            parts.append(String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.2f</text>",
                                frame.left + Double(tick) / 4 * frame.width, base + 16, score))
        }
        parts.append("<text x=\"\(frame.left + frame.width / 2)\" y=\"\(base + 36)\" text-anchor=\"middle\">score (bar height: square root of the share of each population)</text>")
        return parts
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
