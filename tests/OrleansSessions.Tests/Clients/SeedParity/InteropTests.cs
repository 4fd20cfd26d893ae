using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI.Responses;
using OrleansSessions.ClientSdk;
using OrleansSessions.ClientSdk.Interop;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests.SeedParity;

/// <summary>A .NET agent loop stores a turn in one call and gets history back as OpenAI ResponseItems or
/// Microsoft.Extensions.AI ChatMessages.</summary>
public sealed class InteropTests
{
    private static string Wire(ResponseItem item) => ModelReaderWriter.Write(item).ToString();

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task A_responses_turn_is_stored_in_one_call_and_read_back_as_the_same_response_items(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var session = await AgentSession.CreateAsync(silo.Client, "dotnet-agent");
        ResponseItem[] input = [ResponseItem.CreateUserMessageItem("Weather in Paris?")];
        var response = new ResponseResult();
        response.OutputItems.Add(ResponseItem.CreateReasoningItem("need the weather tool"));
        response.OutputItems.Add(ResponseItem.CreateFunctionCallItem("call_1", "weather", BinaryData.FromString("""{"city":"Paris"}""")));

        var ack = await session.StoreResponseAsync(input, response, agent: "forecaster");
        await session.StoreResponseAsync([ResponseItem.CreateFunctionCallOutputItem("call_1", "sunny")],
            new ResponseResult { OutputItems = { ResponseItem.CreateAssistantMessageItem("It is sunny.", []) } });
        var history = await session.GetResponseItemsAsync();

        Assert.Equal(3, ack!.Count);
        Assert.Equal("forecaster", (await session.GetMetadataAsync()).CurrentAgent);
        Assert.Equal(
            [Wire(input[0]), Wire(response.OutputItems[0]), Wire(response.OutputItems[1]),
             Wire(ResponseItem.CreateFunctionCallOutputItem("call_1", "sunny")), Wire(ResponseItem.CreateAssistantMessageItem("It is sunny.", []))],
            history.Select(Wire));
        Assert.IsType<FunctionCallResponseItem>(history[2]);
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Short_messages_stored_by_other_clients_read_back_as_response_message_items(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        IConversationSession session = new ItemSession(silo.Client, "mixed", new ItemSessionOptions { UserId = "u" });
        await session.AddItemsAsync([ConversationItems.Message("user", "hi"), ConversationItems.Message("assistant", "hello")]);

        var items = await session.GetResponseItemsAsync();

        var user = Assert.IsType<MessageResponseItem>(items[0], exactMatch: false);
        var assistant = Assert.IsType<MessageResponseItem>(items[1], exactMatch: false);
        Assert.Equal("hi", user.Content[0].Text);
        Assert.Equal("hello", assistant.Content[0].Text);
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task A_chat_turn_with_a_tool_call_round_trips_through_chat_messages(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var session = await AgentSession.CreateAsync(silo.Client, "meai-agent");
        ChatMessage[] input = [new(ChatRole.User, "What is 6 times 7?")];
        var response = new ChatResponse(
        [
            new ChatMessage(ChatRole.Assistant, [new TextReasoningContent("multiply"), new FunctionCallContent("m1", "multiply", new Dictionary<string, object?> { ["a"] = 6, ["b"] = 7 })]),
            new ChatMessage(ChatRole.Tool, [new FunctionResultContent("m1", "42")]),
            new ChatMessage(ChatRole.Assistant, "42"),
        ]);

        await session.StoreChatTurnAsync(input, response, agent: "calculator");
        var stored = await session.GetMessagesAsync();
        var messages = await session.GetChatMessagesAsync();

        Assert.Equal(["", "reasoning", "function_call", "function_call_output", ""],
            stored.Select(i => i.TryGetProperty("type", out var t) ? t.GetString() : ""));
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant], messages.Select(m => m.Role));
        Assert.Equal("What is 6 times 7?", messages[0].Text);
        var call = Assert.IsType<FunctionCallContent>(Assert.Single(messages[2].Contents));
        Assert.Equal(("m1", "multiply", "7"), (call.CallId, call.Name, call.Arguments!["b"]!.ToString()));
        Assert.Equal("42", Assert.IsType<FunctionResultContent>(Assert.Single(messages[3].Contents)).Result);
        Assert.Equal("42", messages[4].Text);
        Assert.Equal("multiply", Assert.IsType<TextReasoningContent>(Assert.Single(messages[1].Contents)).Text);
    }
}
