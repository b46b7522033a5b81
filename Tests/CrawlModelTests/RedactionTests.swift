import CrawlModel
import Testing

@Suite("Redaction of secret headers")
struct RedactionTests {
    let redaction = Redaction(extraNames: ["X-Api-Key"])

    @Test("secrets replaced in place, whatever their case; names, order and other values kept")
    func inPlace() {
        var headers = [HeaderField(name: "Accept", value: "*/*"), HeaderField(name: "cookie", value: "a=1"),
                       HeaderField(name: "x-api-key", value: "tok"), HeaderField(name: "Cookies", value: "not a secret")]
        let applied = redaction.apply(headers)
        redaction.redact(&headers)
        #expect(headers.map(\.name) == ["Accept", "cookie", "x-api-key", "Cookies"])
        #expect(headers.map(\.value) == ["*/*", Redaction.placeholder, Redaction.placeholder, "not a secret"])
        #expect(applied == headers)
    }

    @Test("a resource: every hop, the final exchange and both probes")
    func resource() {
        let secret = [HeaderField(name: "Set-Cookie", value: "s=1"), HeaderField(name: "Server", value: "nginx")]
        let hop = Exchange(url: "http://h.test/a", status: 301, responseHeaders: secret)
        let final = Exchange(url: "http://h.test/b", requestHeaders: [HeaderField(name: "Authorization", value: "Basic x")],
                             status: 200, responseHeaders: secret)
        var resource = FetchedResource(url: "http://h.test/a", kind: .page, redirects: [hop], exchange: final)
        resource.revalidation = Revalidation(ifNoneMatch: Probe(exchange: final, verdict: .INM_304), ifModifiedSince: Probe(exchange: final, verdict: .INM_304))
        redaction.redact(&resource)
        let exchanges = resource.redirects + [resource.exchange, resource.revalidation!.ifNoneMatch!.exchange,
                                              resource.revalidation!.ifModifiedSince!.exchange]
        for e in exchanges {
            #expect(e.responseHeaders.map(\.value) == [Redaction.placeholder, "nginx"])
            #expect(!e.requestHeaders.contains { $0.value == "Basic x" })
        }
        #expect(resource.exchange.requestHeaders.first("authorization") == Redaction.placeholder)
    }
}
