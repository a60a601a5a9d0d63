import NIOCore

extension SIPMessage {
    /// Writes the message: start line, headers in order, Content-Length set to the body's
    /// length (rewritten in place if present, appended otherwise), an empty line, the body.
    public func write(into buffer: inout ByteBuffer) {
        switch startLine {
        case .request(let method, let uri):
            buffer.writeString("\(method.rawValue) \(uri.description) \(SIPMessage.version)\r\n")
        case .response(let status, let reason):
            buffer.writeString("\(SIPMessage.version) \(status) \(reason)\r\n")
        }
        var wroteLength = false
        for field in headers {
            if field.name == .contentLength {
                guard !wroteLength else { continue }
                wroteLength = true
                buffer.writeString("Content-Length: \(body.readableBytes)\r\n")
            } else {
                buffer.writeString(field.name.canonical)
                buffer.writeString(": ")
                buffer.writeString(field.value)
                buffer.writeString("\r\n")
            }
        }
        if !wroteLength {
            buffer.writeString("Content-Length: \(body.readableBytes)\r\n")
        }
        buffer.writeString("\r\n")
        var bodyCopy = body
        buffer.writeBuffer(&bodyCopy)
    }

    /// The message as bytes.
    public var serialized: ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(512 + body.readableBytes)
        write(into: &buffer)
        return buffer
    }
}
