#include "vigil_vision.h"

extern "C" const char *vv_status_name(vv_status status) {
    switch (status) {
        case VV_OK: return "VV_OK";
        case VV_ERR_INVALID_ARGUMENT: return "VV_ERR_INVALID_ARGUMENT";
        case VV_ERR_EMPTY_INPUT: return "VV_ERR_EMPTY_INPUT";
        case VV_ERR_UNSUPPORTED_FORMAT: return "VV_ERR_UNSUPPORTED_FORMAT";
        case VV_ERR_TRUNCATED: return "VV_ERR_TRUNCATED";
        case VV_ERR_DECODE_FAILED: return "VV_ERR_DECODE_FAILED";
        case VV_ERR_TOO_MANY_PIXELS: return "VV_ERR_TOO_MANY_PIXELS";
        case VV_ERR_MODEL_LOAD: return "VV_ERR_MODEL_LOAD";
        case VV_ERR_INTERNAL: return "VV_ERR_INTERNAL";
        case VV_ERR_RESOLUTION: return "VV_ERR_RESOLUTION";
    }
    return "VV_ERR_UNKNOWN";
}
