/// A pipeline as `GET /api/v1/pipelines` lists it.
struct PipelineSummary: Encodable {
    var name: String
    var stages: [String]
    var declared: Bool
    var bucketSeconds: Int64
    var settleAfterSeconds: Int64
}
