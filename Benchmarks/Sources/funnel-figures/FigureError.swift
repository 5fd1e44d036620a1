/// A benchmark step that could not be carried out, with what and where.
struct FigureError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
