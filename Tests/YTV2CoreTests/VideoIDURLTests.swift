import Testing
import YTV2Core

@Suite struct VideoIDURLTests {
    @Test(arguments: [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
        "https://www.youtube.com/watch?feature=share&v=dQw4w9WgXcQ&list=PL123",
        "http://m.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://music.youtube.com/watch?v=dQw4w9WgXcQ&si=abc",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ?t=10",
        "youtu.be/dQw4w9WgXcQ",
        "www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        "https://www.youtube.com/live/dQw4w9WgXcQ?feature=shared",
        "https://www.youtube.com/embed/dQw4w9WgXcQ?start=3",
        "https://www.youtube.com/v/dQw4w9WgXcQ",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "dQw4w9WgXcQ",
        "  dQw4w9WgXcQ \n",
    ])
    func everyURLFormGivesTheCaseExactID(url: String) throws {
        #expect(try VideoID(url: url).rawValue == "dQw4w9WgXcQ")
    }

    @Test(arguments: [
        "", "dQw4w9WgXc", "dQw4w9WgXcQQ", "https://vimeo.com/123456789", "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/watch?list=PL123", "https://evil.example/watch?v=dQw4w9WgXcQ",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "javascript:alert(1)", "https://www.youtube.com/channel/UCxxxxxxxxxxxx", "dQw4w9WgXc'", "<script>", String(repeating: "a", count: 10_000),
        "https://www.youtube.com/watch?v=dQw4w9WgXc%27",
    ])
    func anythingElseIsAClearError(url: String) {
        #expect(throws: VideoIDError.self) { try VideoID(url: url) }
    }
}
