import Foundation

/// An SVG line chart of the training (and validation) loss per epoch, on a log scale when the
/// losses span more than a factor of 10: `linalg train --plot`.
enum LossPlot {
    static func svg(training: [Double], validation: [Double?], title: String) -> String {
        let width = 640.0, height = 400.0, left = 70.0, right = 20.0, top = 40.0, bottom = 50.0
        let all = (training + validation.compactMap { $0 }).filter { $0.isFinite && $0 > 0 }
        let low = all.min() ?? 1, high = all.max() ?? 1
        let logarithmic = high > 10 * low
        func scaled(_ v: Double) -> Double { logarithmic ? log10(v) : v }
        var (y0, y1) = (scaled(low), scaled(high))
        if y1 - y0 < 1e-12 { (y0, y1) = (y0 - 0.5, y1 + 0.5) }
        let epochs = max(training.count, 2)
        func px(_ epoch: Int) -> Double { left + (width - left - right) * Double(epoch - 1) / Double(epochs - 1) }
        func py(_ v: Double) -> Double { top + (height - top - bottom) * (1 - (scaled(v) - y0) / (y1 - y0)) }
        func path(_ values: [Double?], colour: String, dashed: Bool) -> String {
            let points = values.enumerated().compactMap { e, v -> String? in
                guard let v, v.isFinite, v > 0 else { return nil }
                return String(format: "%.1f,%.1f", px(e + 1), py(v))
            }
            guard !points.isEmpty else { return "" }
            return "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\""
                + (dashed ? " stroke-dasharray=\"6,4\"" : "") + " points=\"\(points.joined(separator: " "))\"/>\n"
        }
        var text = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(width / 2)" y="22" text-anchor="middle" font-size="14">\(escaped(title))</text>
            <line x1="\(left)" y1="\(height - bottom)" x2="\(width - right)" y2="\(height - bottom)" stroke="black"/>
            <line x1="\(left)" y1="\(top)" x2="\(left)" y2="\(height - bottom)" stroke="black"/>
            <text x="\(width / 2)" y="\(height - 12)" text-anchor="middle">epoch</text>
            <text x="16" y="\(height / 2)" text-anchor="middle" transform="rotate(-90 16 \(height / 2))">\
            mean squared error\(logarithmic ? " (log scale)" : "")</text>

            """
        for k in 0...4 {
            let value = y0 + (y1 - y0) * Double(k) / 4
            let y = top + (height - top - bottom) * (1 - Double(k) / 4)
            let label = String(format: "%.3g", logarithmic ? pow(10, value) : value)
            text += "<text x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\">\(label)</text>\n"
            text += "<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(width - right)\" y2=\"\(y)\" stroke=\"#ddd\"/>\n"
        }
        for epoch in Set([1, (epochs + 1) / 2, epochs]).sorted() where epoch <= training.count {
            text += "<text x=\"\(px(epoch))\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">\(epoch)</text>\n"
        }
        text += path(training, colour: "#1f77b4", dashed: false)
        text += path(validation, colour: "#d62728", dashed: true)
        text += "<text x=\"\(width - right - 150)\" y=\"\(top + 14)\" fill=\"#1f77b4\">— training</text>\n"
        if validation.contains(where: { $0 != nil }) {
            text += "<text x=\"\(width - right - 150)\" y=\"\(top + 30)\" fill=\"#d62728\">- - validation</text>\n"
        }
        return text + "</svg>"
    }

    static func escaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
