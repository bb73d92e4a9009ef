#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace listinglens {

// Stable error codes. The names returned by errorCodeName() are part of the
// public contract (CLI JSON, HTTP API) and must not change.
enum class ErrorCode {
    Empty,             // no bytes at all
    TooLarge,          // file size over the limit
    TooManyPixels,     // header declares more pixels than allowed
    TooSmall,          // smallest side under the limit
    UnsupportedFormat, // not JPEG, PNG, WebP, BMP or TIFF
    Corrupt,           // recognised format but undecodable or truncated
    IoError,           // could not be read (missing, permissions, a folder, ...)
    ModelError,        // model bundle missing or unusable
    InvalidArgument,   // a caller or configuration mistake
    Cancelled,         // the job was cancelled before this item ran
    DatabaseError,     // the store could not be reached or refused a statement
    Busy,              // over a capacity bound (the job queue is full); try again later
    Unauthorized,      // no credentials, or ones that are malformed, unknown or revoked
    Forbidden,         // valid credentials that do not allow this operation
    NotFound,          // the thing named does not exist
    Internal           // anything else; a bug if it ever shows
};

QString errorCodeName(ErrorCode code);
// What the person who sent the photo can do about it, in plain words.
QString errorAdvice(ErrorCode code);

struct Error {
    ErrorCode code = ErrorCode::Internal;
    QString message;

    QString codeName() const { return errorCodeName(code); }
};

// A value or an Error; the caller must look at ok() before value().
template <typename T>
class Result {
public:
    Result(T value) : m_data(std::move(value)) {}
    Result(Error error) : m_data(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_data); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_data); }
    T &value() & { return std::get<T>(m_data); }
    // A temporary's value is moved out, never referenced: a reference into a Result that dies at the end of
    // the full expression (`for (x : f().value().list)`) would dangle.
    T value() && { return std::get<T>(std::move(m_data)); }
    const Error &error() const { return std::get<Error>(m_data); }

private:
    std::variant<T, Error> m_data;
};

} // namespace listinglens
