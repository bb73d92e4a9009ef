// Fuzzes the multipart/form-data reader of POST /v1/jobs (photoPart): the
// input's first line is the request's Content-Type, the rest its body.
// Whatever the body holds, a photo found is a piece of the body, and the
// reader's time and memory stay within one pass (libFuzzer's limits fail
// the run otherwise).
#include "multipart.h"

using listinglens::cleanFileName;
using listinglens::photoPart;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype eol = input.indexOf('\n');
    const QByteArray contentType = eol < 0 ? input : input.left(eol);
    const QByteArray body = eol < 0 ? QByteArray() : input.mid(eol + 1);
    const auto part = photoPart(body, contentType);
    if (!part.ok()) {
        (void)part.error().codeName();
        return 0;
    }
    if (part.value().bytes.size() > body.size() || !body.contains(part.value().bytes))
        __builtin_trap(); // the photo must be a piece of the body
    if (cleanFileName(part.value().fileName).isEmpty())
        __builtin_trap(); // a stored name is never empty
    return 0;
}
