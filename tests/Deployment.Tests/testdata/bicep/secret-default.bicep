@secure()
param slackWebhookUrl string = 'https://hooks.slack.com/services/T000/B000/XXXX'

output ok bool = !empty(slackWebhookUrl)
