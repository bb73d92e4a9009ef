#include "logging.h"

Q_LOGGING_CATEGORY(lcImage, "listinglens.image", QtWarningMsg)
Q_LOGGING_CATEGORY(lcModel, "listinglens.model", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPipeline, "listinglens.pipeline", QtWarningMsg)
Q_LOGGING_CATEGORY(lcStore, "listinglens.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHttp, "listinglens.http", QtInfoMsg)
