// Loaded before every test file (.mocharc.json): keeps the AWS SDK's Node-version notice out of test logs.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
