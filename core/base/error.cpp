#include "error.h"

namespace listinglens {

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::Empty: return QStringLiteral("empty");
    case ErrorCode::TooLarge: return QStringLiteral("too_large");
    case ErrorCode::TooManyPixels: return QStringLiteral("too_many_pixels");
    case ErrorCode::TooSmall: return QStringLiteral("too_small");
    case ErrorCode::UnsupportedFormat: return QStringLiteral("unsupported_format");
    case ErrorCode::Corrupt: return QStringLiteral("corrupt");
    case ErrorCode::IoError: return QStringLiteral("io_error");
    case ErrorCode::ModelError: return QStringLiteral("model_error");
    case ErrorCode::InvalidArgument: return QStringLiteral("invalid_argument");
    case ErrorCode::Cancelled: return QStringLiteral("cancelled");
    case ErrorCode::DatabaseError: return QStringLiteral("database_error");
    case ErrorCode::Busy: return QStringLiteral("busy");
    case ErrorCode::Unauthorized: return QStringLiteral("unauthorized");
    case ErrorCode::Forbidden: return QStringLiteral("forbidden");
    case ErrorCode::NotFound: return QStringLiteral("not_found");
    case ErrorCode::Internal: return QStringLiteral("internal");
    }
    return QStringLiteral("internal");
}

QString errorAdvice(ErrorCode code)
{
    switch (code) {
    case ErrorCode::Empty: return QStringLiteral("The file has no content. Copy or export the photo again.");
    case ErrorCode::TooLarge: return QStringLiteral("Export the photo at a smaller size or higher compression (under 30 MiB).");
    case ErrorCode::TooManyPixels: return QStringLiteral("Save the photo as a JPEG of at most 100 megapixels and try again.");
    case ErrorCode::TooSmall: return QStringLiteral("Use the original photo rather than a thumbnail or a thin strip of it.");
    case ErrorCode::UnsupportedFormat: return QStringLiteral("Save or export the photo as JPEG or PNG.");
    case ErrorCode::Corrupt: return QStringLiteral("The file is damaged or incomplete. Copy it again from the camera or phone.");
    case ErrorCode::IoError: return QStringLiteral("Check that the file still exists and can be read.");
    case ErrorCode::ModelError: return QStringLiteral("Check the model directory in Settings (or LISTINGLENS_MODEL_DIR).");
    case ErrorCode::InvalidArgument: return QStringLiteral("Check the settings and try again.");
    case ErrorCode::Cancelled: return QStringLiteral("Add the photo again to process it.");
    case ErrorCode::DatabaseError: return QStringLiteral("Check the database settings and that the server is reachable.");
    case ErrorCode::Busy: return QStringLiteral("The service is at capacity; send the photo again in a little while.");
    case ErrorCode::Unauthorized: return QStringLiteral("Send a valid API key as \"Authorization: Bearer llk_...\"; ask an administrator for a new one if yours was revoked.");
    case ErrorCode::Forbidden: return QStringLiteral("This API key does not allow that; ask an administrator for a key with the needed scope.");
    case ErrorCode::NotFound: return QStringLiteral("Check the id or name and try again.");
    case ErrorCode::Internal: return QStringLiteral("This is a bug; please report it with the photo.");
    }
    return {};
}

} // namespace listinglens
