enum RouterHTTPPlaceholder {}
