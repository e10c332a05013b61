// Carries dlib's pkg-config flags (dlib-1) to the C++ shim target.
// Swift never imports dlib headers; this header is intentionally empty.
