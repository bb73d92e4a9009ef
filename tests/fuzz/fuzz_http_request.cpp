// Fuzzes the HTTP request path: the server's parser and framing checks
// (Beast plus parseHttpRequest's own), then the API's input checks on what
// a request carries (Idempotency-Key, job id, ?wait=, method label, feedback).
#include "api_input.h"
#include "http_server.h"

using namespace listinglens;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    HttpLimits limits;
    limits.maxBodyBytes = 64 * 1024;
    const auto parsed = parseHttpRequest(QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)), limits);
    if (const auto *refusal = std::get_if<HttpRefusal>(&parsed)) {
        if (refusal->status < 400 || refusal->status > 599)
            __builtin_trap(); // a refusal is always an error status
        return 0;
    }
    const HttpRequest &r = std::get<HttpRequest>(parsed);
    if (r.body.size() > limits.maxBodyBytes)
        __builtin_trap();
    (void)methodLabel(r.method);
    if (auto key = checkedText(r.header("idempotency-key"), QStringLiteral("Idempotency-Key"), 200); key.ok())
        for (const QChar c : key.value())
            if (c.unicode() < 0x20 || c.unicode() == 0x7f)
                __builtin_trap(); // a checked key never carries a control byte to the database
    if (const auto id = normalizedJobId(r.path.section(QLatin1Char('/'), 3, 3)); id && id->size() != 36)
        __builtin_trap();
    (void)waitSeconds(r.query.queryItemValue(QStringLiteral("wait")), 60);
    (void)parseFeedback(r.header("content-type"), r.body, nullptr);
    return 0;
}
