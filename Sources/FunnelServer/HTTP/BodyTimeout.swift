/// The client did not send its request body within the body timeout.
struct BodyTimeout: Error {}
