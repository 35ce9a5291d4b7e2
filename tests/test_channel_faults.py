"""When a part behind Rasa fails, the resident gets a short apology with 12345, never silence or a 500."""

from __future__ import annotations

import asyncio

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.rest import converse


def run(handler):
    collector = CollectingOutputChannel()
    message = UserMessage("补办身份证要带什么", collector, "fault-1", input_channel="rest")
    return asyncio.run(converse(handler, message, collector))


def test_an_exception_becomes_an_apology():
    async def broken(_message):
        raise ConnectionError("tracker store unreachable")

    replies = run(broken)
    assert len(replies) == 1 and "抱歉" in replies[0]["text"] and "12345" in replies[0]["text"]


def test_silence_becomes_an_apology():
    async def silent(_message):
        return None

    assert "12345" in run(silent)[0]["text"]


def test_replies_pass_through():
    async def answering(message):
        await message.output_channel.send_text_message(message.sender_id, "您好")

    assert run(answering) == [{"recipient_id": "fault-1", "text": "您好"}]
