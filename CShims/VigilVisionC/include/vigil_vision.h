/*
 * vigil_vision.h — the only interface between Vigil's Swift code and its
 * C++ vision implementation (OpenCV 4.6 + dlib 19.24).
 *
 * Ownership: the only heap object this API hands out is vv_face_engine,
 * created by vv_face_engine_create and released by vv_face_engine_free.
 * Every other result is written into caller-owned structs and buffers.
 * No C++ exception crosses this boundary: each entry point catches and maps
 * them to a vv_status.
 *
 * Threading: a vv_face_engine is NOT safe for concurrent use (dlib's network
 * and detectors keep per-call scratch state). Use one engine per thread.
 * vv_image_probe is pure and thread-safe.
 */
#ifndef VIGIL_VISION_H
#define VIGIL_VISION_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vv_status {
    VV_OK = 0,
    VV_ERR_INVALID_ARGUMENT = 1,
    VV_ERR_EMPTY_INPUT = 2,
    VV_ERR_UNSUPPORTED_FORMAT = 3,  /* magic bytes are not an accepted image format */
    VV_ERR_TRUNCATED = 4,           /* the container ends before its declared end */
    VV_ERR_DECODE_FAILED = 5,       /* the decoder rejected the data */
    VV_ERR_TOO_MANY_PIXELS = 6,     /* declared width x height above the limit */
    VV_ERR_MODEL_LOAD = 7,
    VV_ERR_INTERNAL = 8,
    VV_ERR_RESOLUTION = 9           /* the image's stated resolution is outside what the operation accepts */
} vv_status;

typedef enum vv_image_format {
    VV_FORMAT_UNKNOWN = 0,
    VV_FORMAT_JPEG = 1,
    VV_FORMAT_PNG = 2,
    VV_FORMAT_BMP = 3,
    VV_FORMAT_TIFF = 4,
    VV_FORMAT_WEBP = 5,
    VV_FORMAT_WSQ = 6,      /* FBI WSQ fingerprint compression, decoded by Vigil's own decoder */
    VV_FORMAT_JPEG2000 = 7  /* a JP2 file or a raw JPEG 2000 codestream, decoded by OpenJPEG */
} vv_image_format;

typedef struct vv_image_info {
    int32_t format; /* vv_image_format */
    int32_t width;
    int32_t height;
    int32_t ppi;    /* horizontal resolution the file states, pixels per inch; 0 when it states none
                       (JPEG JFIF density, PNG pHYs, BMP pixels per metre, TIFF XResolution,
                       WSQ NISTCOM PPI, JP2 capture resolution) */
} vv_image_info;

/* Reads only the container header: format, declared size, and whether the
 * container is complete. Never decodes pixel data. */
vv_status vv_image_probe(const uint8_t *bytes, size_t length, vv_image_info *out);

/* Decodes an image of an accepted format (WSQ and JPEG 2000 included) to 8-bit pixels,
 * `channels` per pixel (1: grey; 3: blue, green, red), row by row with no padding, into
 * the caller's buffer of at least width x height x channels bytes (the size
 * vv_image_probe reports). The pixel limit (0 = 40 megapixels) is checked on the
 * header, before any allocation. */
vv_status vv_image_decode_pixels(const uint8_t *bytes, size_t length, uint64_t max_pixels, int32_t channels,
                                 uint8_t *pixels, size_t capacity, vv_image_info *out);

/* Bytes that always suffice for vv_image_encode's output of a width x height x channels image. */
size_t vv_encode_capacity(int32_t width, int32_t height, int32_t channels);

/* Encodes 8-bit pixels (1 channel grey or 3 blue, green, red; row by row, no padding)
 * into the caller's buffer as `format`: VV_FORMAT_PNG (stating `ppi` in a pHYs chunk;
 * none when ppi is 0) or VV_FORMAT_JPEG2000 (a lossless JP2 file through OpenJPEG;
 * ppi is not written). *written gets the size. */
vv_status vv_image_encode(const uint8_t *pixels, int32_t width, int32_t height, int32_t channels, int32_t format,
                          int32_t ppi, uint8_t *out, size_t capacity, size_t *written);

/* Stable name of a status, e.g. "VV_ERR_TRUNCATED". Static storage. */
const char *vv_status_name(vv_status status);

typedef struct vv_face_engine vv_face_engine;

#define VV_DLIB_RESNET_DIM 128
#define VV_LANDMARK_COUNT 5
#define VV_MAX_FACES 8
#define VV_MAX_RECOGNIZERS 4
#define VV_MAX_EMBEDDING_DIM 4096   /* per recognizer */

typedef enum vv_recognizer_kind {
    VV_RECOGNIZER_DLIB_RESNET = 1,  /* dlib's ResNet metric network (.dat): 128 values, its own 150x150 chip */
    VV_RECOGNIZER_DNN = 2           /* a network OpenCV's dnn module reads (ONNX, TensorFlow .pb, Caffe), by extension */
} vv_recognizer_kind;

/* One face recognizer. A DNN recognizer is fed the face aligned by the 5-point landmarks
 * onto dlib's canonical face (dlib's get_face_chip_details) at input_size x input_size with
 * `padding` border, channels in the order given, each value (v - mean[c]) * scale[c], NCHW. */
typedef struct vv_recognizer_spec {
    int32_t kind;            /* vv_recognizer_kind */
    const char *model_path;  /* read while the engine is created; not kept */
    int32_t dimension;       /* embedding length; an output of another length fails the analysis */
    int32_t input_size;      /* DNN only */
    float padding;           /* DNN only, 0..2 */
    float mean[3];           /* DNN only */
    float scale[3];          /* DNN only */
    int32_t bgr;             /* DNN only: 1 feeds B,G,R; 0 feeds R,G,B */
} vv_recognizer_spec;

typedef struct vv_face_engine_config {
    const char *models_dir;                 /* face_detection_front_128x128.onnx (BlazeFace),
                                               mmod_human_face_detector.dat, shape_predictor_5_face_landmarks.dat */
    const vv_recognizer_spec *recognizers;  /* 1..VV_MAX_RECOGNIZERS, in the order their embeddings are written */
    int32_t recognizer_count;
} vv_face_engine_config;

/* Loads the detectors, the landmark model and every recognizer. The config and its strings
 * are only read during the call. On failure *out is NULL and message (if not NULL) holds a
 * NUL-terminated reason. */
vv_status vv_face_engine_create(const vv_face_engine_config *config, vv_face_engine **out,
                                char *message, size_t message_capacity);

/* Releases an engine from vv_face_engine_create. NULL is allowed. */
void vv_face_engine_free(vv_face_engine *engine);

/* Floats one face's embeddings take: the sum of the recognizers' dimensions. */
int32_t vv_face_engine_embedding_length(const vv_face_engine *engine);

typedef struct vv_face_options {
    uint64_t max_pixels;          /* reject larger images before decoding; 0 = 40 megapixels */
    int32_t detection_max_side;   /* longer side of the copy the HOG detector scans; 0 = 1024 */
    int32_t max_faces;            /* faces to describe, subject first; 0 = 1, at most VV_MAX_FACES */
    int32_t min_face_side;        /* faces after the subject whose box is smaller are counted, not described */
} vv_face_options;

typedef struct vv_point {
    float x;
    float y;
} vv_point;

typedef struct vv_face {
    int32_t box_x, box_y, box_width, box_height;
    float detection_score;        /* 0..1 */
    vv_point landmarks[VV_LANDMARK_COUNT];       /* dlib 5-point order, image coordinates */
    float inter_eye_distance;     /* pixels between the two eye centres */
    float sharpness;              /* variance of the Laplacian on the aligned 150x150 grey chip */
    float brightness;             /* mean grey level of the aligned chip, 0..255 */
} vv_face;

typedef struct vv_face_analysis {
    int32_t image_width;
    int32_t image_height;
    int32_t face_count;           /* faces detected; 0 = no face */
    int32_t described_count;      /* faces described in `faces`, the subject first */
    vv_face faces[VV_MAX_FACES];  /* ordered by area inside the frame, largest first */
} vv_face_analysis;

/* Decodes an encoded image (JPEG, PNG, BMP, TIFF, WebP), finds faces, and for the
 * largest (up to options->max_faces) computes landmarks, quality measures and every
 * recognizer's embedding. Face i's embeddings go to embeddings[i * L ..< (i + 1) * L]
 * (L = vv_face_engine_embedding_length), one recognizer after another, each L2-normalised;
 * embedding_capacity (floats) must hold max_faces faces. */
vv_status vv_face_analyze(vv_face_engine *engine, const uint8_t *bytes, size_t length,
                          const vv_face_options *options, vv_face_analysis *out,
                          float *embeddings, size_t embedding_capacity,
                          char *message, size_t message_capacity);

/* ---- Fingerprints ---- */

typedef enum vv_minutia_type {
    VV_MINUTIA_ENDING = 1,
    VV_MINUTIA_BIFURCATION = 2
} vv_minutia_type;

typedef struct vv_minutia {
    float x;            /* pixels, image coordinates at the image's own resolution */
    float y;
    float direction;    /* radians, image frame (x right, y down) */
    int32_t type;       /* vv_minutia_type */
    float reliability;  /* 0..1: local orientation coherence */
} vv_minutia;

typedef struct vv_fingerprint_options {
    uint64_t max_pixels;  /* 0 = 40 megapixels */
    int32_t dpi;          /* 0 = the resolution the image states (values under 150, which image software
                             writes when it knows none, and no value mean 500); 300..600 accepted */
} vv_fingerprint_options;

/* The quality features, each 0..1, in the spirit of NFIQ 2 (ISO/IEC 29794-4). */
typedef struct vv_fingerprint_quality {
    float clarity;      /* local clarity: ridge/valley grey-level separation per 32 px block */
    float orientation;  /* orientation certainty: mean coherence of the gradient field on the print */
    float frequency;    /* ridge frequency consistency: share of print blocks whose ridge period is
                           within 25% of the print's own */
    float area;         /* print area relative to a 0.6 x 0.6 inch plain impression */
    float minutiae;     /* minutiae with reliability >= 0.5, relative to 40 */
} vv_fingerprint_quality;

typedef struct vv_fingerprint_result {
    int32_t image_width;
    int32_t image_height;
    int32_t dpi;         /* the resolution used */
    int32_t count;       /* minutiae written (at most the caller's capacity) */
    int32_t found;       /* minutiae found, possibly more than written */
    float quality;       /* 0..100: weighted geometric mean of the features */
    vv_fingerprint_quality features;
} vv_fingerprint_result;

/* Decodes a fingerprint image and extracts its minutiae into the caller's
 * array: all of them when they fit, else the `capacity` most reliable.
 * Stateless and thread-safe. */
vv_status vv_fingerprint_extract(const uint8_t *bytes, size_t length, const vv_fingerprint_options *options,
                                 vv_minutia *minutiae, int32_t capacity, vv_fingerprint_result *out,
                                 char *message, size_t message_capacity);

#ifdef __cplusplus
}
#endif

#endif /* VIGIL_VISION_H */
