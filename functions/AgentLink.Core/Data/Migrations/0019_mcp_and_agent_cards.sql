-- MCP: an agent may take its inbox over MCP instead of MQTT. MCP has no per-message
-- acknowledgement, so a row handed to an MCP session is offered (hidden from every other
-- transport) until the agent acknowledges it (delivered_at) or the offer lapses and the row
-- is owed again. A row is therefore delivered once, over one transport.
alter table agent_outbox add column offered_until timestamptz;

-- A2A agent cards: members of the workspace see every claimed agent's card; an owner may
-- make one public. The description is what the card says the agent does.
alter table remote_agents
    add column card_public boolean not null default false,
    add column card_description text check (char_length(card_description) <= 2000);
