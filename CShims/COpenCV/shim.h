// Carries OpenCV's pkg-config flags (opencv4) to the C++ shim target.
// Swift never imports OpenCV headers; this header is intentionally empty.
