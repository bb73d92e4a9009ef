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
    case ErrorCode::Internal: return QStringLiteral("internal");
    }
    return QStringLiteral("internal");
}

} // namespace listinglens
